// The refusal a cross-room call gets once the server shuts down, in a file of its own: replies.ts
// maps it to UNAVAILABLE, and importing it from the cross-room calls (playerRooms.ts) made an import
// cycle through roomCalls.ts.

/** The server is shutting down: no player room is created or called any more. */
export class ServerShuttingDown extends Error {
  constructor() {
    super('the server is shutting down; try again on another server');
  }
}
