// Preloaded (`node -r`) into every process the demo starts. When the demo goes away, even
// killed outright, its IPC channel closes and the child shuts itself down the ordinary way.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
process.channel?.unref();
