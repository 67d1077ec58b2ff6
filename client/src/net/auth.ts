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

/** Where this browser keeps the admin's device pass: with it, a stranger's wrong passwords from the
 *  same address cannot lock this device out (docs/PROTOCOL.md "Sign-in limits and sessions"). */
const DEVICE_PASS_KEY = 'coffer.admin.devicePass';

export async function signInAdmin(password: string): Promise<Session> {
  const devicePass = readDevicePass();
  const data = await post('/auth/admin', devicePass ? { password, devicePass } : { password });
  if (data.devicePass) writeDevicePass(data.devicePass);
  return { token: data.token, userId: data.userId, displayName: 'admin', role: 'admin' };
}

// Storage may be refused (a private window, a sandboxed frame): the sign-in then works without a
// pass, as on a new device, so a refusal is not an error here.
function readDevicePass(): string | null {
  try {
    return localStorage.getItem(DEVICE_PASS_KEY);
  } catch {
    return null;
  }
}

function writeDevicePass(pass: string): void {
  try {
    localStorage.setItem(DEVICE_PASS_KEY, pass);
  } catch {
    // As in readDevicePass: without storage the next sign-in is a new device's.
  }
}
