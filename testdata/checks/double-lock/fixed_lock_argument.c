// double-lock (fixed counterpart of buggy_lock_argument.c), Linux
// drivers/xen/xen-pciback: xen_pcibk_release_pci_dev()
// takes the device lock for the reset only when its 'lock' argument says
// the caller does not hold it.  Fixed: the caller that holds the device
// lock passes false.  The callee's condition is on its parameter, so the
// caller's constant decides it: the acquisition does not happen here.
// expected-no-diagnostics
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
    mutex_lock(&pdev->dev.mutex);
  pci_reset(pdev);
  if (lock)
    mutex_unlock(&pdev->dev.mutex);
}

void stub_remove(struct pci_dev *pdev)
{
  mutex_lock(&pdev->dev.mutex);
  release_pci_dev(pdev, 0);
  mutex_unlock(&pdev->dev.mutex);
}
