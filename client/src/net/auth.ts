// Sign-in over HTTP (docs/PROTOCOL.md "Authentication"). A refusal becomes an Error carrying the
// server's sentence ("displayName must be a string of 1-32 characters").
export type Session = { token: string; userId: string; displayName: string; role: 'player' | 'admin' };

async function post(path: string, body: unknown): Promise<Record<string, string>> {
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw new Error('The server cannot be reached; check your connection and try again.');
  }
  const data = (await response.json().catch(() => ({}))) as Record<string, string>;
  if (!response.ok) throw new Error(data.message ?? `sign-in failed (HTTP ${response.status})`);
  return data;
}

export async function signInGuest(displayName: string): Promise<Session> {
  const name = displayName.trim();
  const data = await post('/auth/guest', name ? { displayName: name } : {});
  return { token: data.token, userId: data.userId, displayName: data.displayName, role: 'player' };
}

export async function signInAdmin(password: string): Promise<Session> {
  const data = await post('/auth/admin', { password });
  return { token: data.token, userId: data.userId, displayName: 'admin', role: 'admin' };
}
