// The wire contract's constants, in one place (docs/PROTOCOL.md says what they mean; tests/docs.test.ts
// fails when one of them is missing there).
// Server, client, tests and load scripts import these; nobody writes them as bare strings.

export const PROTOCOL_VERSION = 1;

export const RoomName = {
  player: 'player',
  board: 'board',
  crash: 'crash',
  admin: 'admin',
} as const;
export type RoomName = (typeof RoomName)[keyof typeof RoomName];

/** Server → client message types. */
export const ServerMessage = {
  ack: 'ack',
  nack: 'nack',
  event: 'event',
} as const;
export type ServerMessage = (typeof ServerMessage)[keyof typeof ServerMessage];

export const ErrorCode = {
  INVALID_INPUT: 'INVALID_INPUT',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  CONFLICT: 'CONFLICT',
  IDEMPOTENCY_MISMATCH: 'IDEMPOTENCY_MISMATCH',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAVAILABLE: 'UNAVAILABLE',
  CLIENT_TOO_OLD: 'CLIENT_TOO_OLD',
  SERVER_TOO_OLD: 'SERVER_TOO_OLD',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Refused joins: Colyseus answers the matchmaking request with an HTTP status (the SDK's
 * `error.code`), and the message always starts with the protocol's string code (`"FORBIDDEN: ..."`).
 */
export const JoinErrorCode = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  /** No such crash table or board; the message names the ones there are. */
  NOT_FOUND: 404,
  /** The shared room asked for is already open: join it (joinOrCreate), do not create another. */
  CONFLICT: 409,
  CLIENT_TOO_OLD: 426,
  RATE_LIMITED: 429,
  SERVER_TOO_OLD: 501,
  UNAVAILABLE: 503,
} as const satisfies Partial<Record<ErrorCode, number>>;

/** WebSocket close codes Coffer uses on top of Colyseus' own. */
export const CloseCode = {
  /** The room lost its writer fence or the server is shutting down: join again (a fresh room loads from the database). */
  RECONNECT: 4100,
  /** Too many messages in one second after RATE_LIMITED replies. */
  RATE_LIMITED: 4429,
  /** An admin removed this player from the server (admin.kick); the close reason says why. */
  KICKED: 4403,
} as const;

export type Nack = {
  id: string | null;
  code: ErrorCode;
  message: string;
  retryable: boolean;
  /** Finer than `code`, when the code alone is ambiguous (shared/reasons.ts). */
  reason?: import('./reasons.ts').Reason;
  /** Every problem of a refused document (admin.economy.publish), for an editor to point at. */
  details?: NackDetail[];
};
/** One problem of a refused document: its JSON path inside the document (dot-separated, array indexes as numbers) and what is wrong. */
export type NackDetail = { path: string; message: string };
export type Ack<R = unknown> = { id: string; result: R };

/** A committed event as clients receive it. */
export type WireEvent<D = unknown> = { stream: string; seq: number; type: string; at: string; data: D };

// Stream names, defined here once (docs/PROTOCOL.md "Events"); each stream has one writer (INV-1).

/** `player:<userId>`: the stream written only by that player's room. */
export function playerStream(userId: string): string {
  return `player:${userId}`;
}

/** `board:<name>`: written by that board's room. */
export function boardStream(board: string): string {
  return `board:${board}`;
}

/** `crash:<table>`: written by that table's room. */
export function crashStream(table: string): string {
  return `crash:${table}`;
}

/** `global`: announcements, written by the admin room, delivered to every player room. */
export const GLOBAL_STREAM = 'global';
