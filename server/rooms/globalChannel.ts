// The `global` stream: announcements, written by the admin room and relayed (server/relay) to
// every player room of every process.
export { GLOBAL_STREAM } from '../../shared/protocol.ts';
