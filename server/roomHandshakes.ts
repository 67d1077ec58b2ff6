// Joins: a client joining a room first receives the reflection of the room's state
// schema, so that it can decode the state. Colyseus encodes it once per room instance
// (SchemaSerializer.handshake), and every player has a room of its own: in a profile of 3,000 joins
// the encoding was 4% of the server's time. The reflection depends only on the state's class (its
// schema types, not their values), so it is encoded once per class and handed to every room of it.
type Handshaking = { handshake?(): Uint8Array | undefined; handshakeCache?: Uint8Array };

const byStateClass = new WeakMap<object, Uint8Array>();

/**
 * Gives `room`'s serializer the reflection already encoded for its state's class, or encodes and
 * keeps it. Call once the state is set. Colyseus has no API for this: it reads `_serializer` and
 * the serializer's `handshakeCache` (@colyseus/core SchemaSerializer).
 */
export function shareHandshake(room: object, state: object): void {
  const serializer = (room as { _serializer?: Handshaking })._serializer;
  if (!serializer?.handshake) return;
  const cached = byStateClass.get(state.constructor);
  if (cached) serializer.handshakeCache = cached;
  else {
    const encoded = serializer.handshake();
    if (encoded) byStateClass.set(state.constructor, encoded);
  }
}
