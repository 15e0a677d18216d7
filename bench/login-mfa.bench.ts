/**
 * Issue 13: what the second factor costs a sign-in. Median (p50) and p95 latency of a complete
 * login over HTTP — password only (POST /api/auth/login → token pair) against password + TOTP
 * (POST /api/auth/login → challenge, POST /api/auth/mfa with the current code → token pair) —
 * one login at a time, each by a different user (a TOTP code is accepted once per 30-second
 * step, so a user cannot sign in twice in a step). Not part of npm test.
 */
import { generate } from 'otplib';
import { UsersService } from '../src/users/users.service';
import { benchEnv } from './support';

const LOGINS = Number(process.env.BENCH_LOGINS ?? 60);
const PASSWORD = 'bench-password-1';

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function post(url: string, body: object, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${url}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function main(): Promise<void> {
  const env = await benchEnv(10);
  const base = `${await env.app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
  try {
    const users = env.app.get(UsersService);
    const plain: string[] = [];
    const withTotp: { email: string; secret: string }[] = [];
    for (let i = 0; i < LOGINS; i++) {
      const a = `plain-${i}@bench.example`;
      const b = `totp-${i}@bench.example`;
      await users.findOrCreate({ email: a, displayName: 'p', password: PASSWORD });
      await users.findOrCreate({ email: b, displayName: 't', password: PASSWORD });
      plain.push(a);
      const { accessToken } = (await post(`${base}/auth/login`, {
        email: b,
        password: PASSWORD,
      })) as {
        accessToken: string;
      };
      const { secret } = (await post(`${base}/me/mfa/totp`, {}, accessToken)) as { secret: string };
      await post(`${base}/me/mfa/totp/confirm`, { code: await generate({ secret }) }, accessToken);
      withTotp.push({ email: b, secret });
    }
    // The confirming code used this step: sign in with the next step's code (within tolerance).
    const nextCode = (secret: string) =>
      generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

    const time = async (work: () => Promise<void>): Promise<number> => {
      const started = process.hrtime.bigint();
      await work();
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const without: number[] = [];
    const twoStep: number[] = [];
    // Interleaved, so both see the same machine load.
    for (let i = 0; i < LOGINS; i++) {
      without.push(
        await time(async () => {
          await post(`${base}/auth/login`, { email: plain[i], password: PASSWORD });
        }),
      );
      const { email, secret } = withTotp[i];
      const code = await nextCode(secret); // computed by the "authenticator", outside the timing
      twoStep.push(
        await time(async () => {
          const { mfaToken } = (await post(`${base}/auth/login`, {
            email,
            password: PASSWORD,
          })) as { mfaToken: string };
          await post(`${base}/auth/mfa`, { mfaToken, code });
        }),
      );
    }
    without.sort((x, y) => x - y);
    twoStep.sort((x, y) => x - y);
    const report = (label: string, v: number[]) =>
      process.stdout.write(
        `  ${label.padEnd(34)} p50 ${pct(v, 50).toFixed(1).padStart(7)} ms   p95 ${pct(v, 95).toFixed(1).padStart(7)} ms\n`,
      );
    process.stdout.write(`\nlogin benchmark: ${LOGINS} logins each, one at a time, over HTTP\n`);
    report('password only', without);
    report('password + TOTP (two requests)', twoStep);
    process.stdout.write(
      `  ratio (TOTP / password only), p50: ${(pct(twoStep, 50) / pct(without, 50)).toFixed(2)}\n`,
    );
  } finally {
    await env.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
