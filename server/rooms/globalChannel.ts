// The presence channel on which committed `global` events (announcements) reach every room of
// every process that shares the presence (local, or Redis in services mode).
export const GLOBAL_CHANNEL = 'coffer:global';
export const GLOBAL_STREAM = 'global';
