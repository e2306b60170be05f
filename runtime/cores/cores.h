/*===- cores.h - Entry points of the cores, for the scenario runner -*- C -*-===*
 *
 * Each scenario runs one core in its fixed or buggy variant and returns
 * when the work is done; findings go to the runtime.  Each bench function
 * runs the fixed core for Iterations units of work and returns how many
 * operations it completed.
 *
 *===----------------------------------------------------------------------===*/
#ifndef LOCKWISE_CORES_H
#define LOCKWISE_CORES_H

#ifdef __cplusplus
extern "C" {
#endif

void xenbus_scenario_notify(int buggy);
void xenbus_scenario_reply_order(int buggy);
unsigned long xenbus_bench(unsigned iterations);
unsigned long xenbus_rtt_bench(unsigned iterations);

void xenwatch_scenario_stuck_callback(int buggy);
void mtwatch_scenario_duplicate(int buggy);
void mtwatch_scenario_unregister(int buggy);
unsigned long mtwatch_bench(unsigned iterations);

void pod_scenario_sweep(int buggy);
void pod_scenario_oom(int buggy);
unsigned long pod_bench(unsigned iterations);

void libxl_scenario_create_destroy(int buggy);
unsigned long libxl_bench(unsigned iterations);

#ifdef __cplusplus
}
#endif

#endif
