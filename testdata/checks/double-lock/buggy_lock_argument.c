// double-lock, Linux drivers/xen/xen-pciback: xen_pcibk_release_pci_dev()
// takes the device lock for the reset only when its 'lock' argument says
// the caller does not hold it.  Buggy: a caller that holds the device
// lock passes true.  The callee's condition is on its parameter, so the
// caller's constant decides it: the acquisition is certain here (before,
// any branch condition on the way hid a callee's acquisition from
// double-lock).
#include "linux-mini.h"

struct device {
  struct mutex mutex;
};

struct pci_dev {
  struct device dev;
};

void pci_reset(struct pci_dev *pdev);

static void release_pci_dev(struct pci_dev *pdev, int lock)
{
  if (lock)
    mutex_lock(&pdev->dev.mutex); // expected-note{{'pci_dev.dev.mutex' acquired here in release_pci_dev}}
  pci_reset(pdev);
  if (lock)
    mutex_unlock(&pdev->dev.mutex);
}

void stub_remove(struct pci_dev *pdev)
{
  mutex_lock(&pdev->dev.mutex); // expected-note{{'pci_dev.dev.mutex' acquired here in stub_remove}}
  release_pci_dev(pdev, 1); // expected-warning{{double lock of 'pci_dev.dev.mutex' in stub_remove}}
  // expected-note@-1{{stub_remove calls release_pci_dev}}
  mutex_unlock(&pdev->dev.mutex);
}
