'use strict';
// Preloaded (`node -r`) only when profiling: exits normally on SIGTERM/SIGINT so that
// `--cpu-prof` writes its profile (a process killed by a signal writes none).
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0));
