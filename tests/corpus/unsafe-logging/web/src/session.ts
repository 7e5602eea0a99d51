export type Session = { user: string; accessToken: string; refreshToken: string };

const KEY = "session";

export function save(s: Session): void {
  localStorage.setItem(KEY, JSON.stringify(s));
  console.debug("saved session", s.user);
}

export function load(): Session | null {
  const raw = localStorage.getItem(KEY);
  if (!raw) return null;
  const s = JSON.parse(raw) as Session;
  console.log("restored session, refresh token:", s.refreshToken);
  return s;
}

export function debugCookies(): void {
  console.log(document.cookie);
}

export function expiresIn(s: Session): number {
  const [, payload] = s.accessToken.split(".");
  const exp = JSON.parse(atob(payload)).exp as number;
  console.log("token expires in", exp - Date.now() / 1000, "s");
  return exp;
}
