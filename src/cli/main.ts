import 'reflect-metadata';
import { parseArgs } from 'node:util';
import {
  auditVerify,
  councilRecover,
  createAdmin,
  dbProvision,
  kekRotate,
  dataSeal,
  migrate,
  statisticsPublish,
} from './commands';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  create-admin --email <e> [--password <p>]   create (or promote) a system admin; without
                                              --password one is generated and printed once; the
                                              first sign-in must change the password
  council:recover --council <id> --email <e> [--name <n>] [--member-body <id>]
                                              invite a new coordinator into a council that lost
                                              all of them (recorded as council.recovered); the
                                              body defaults to the coordinating body
  migrate                                     apply pending migrations (as the owner role)
  audit:verify --council <id> [--witness <dir|file>]
                                              recompute a council's audit chain and check its
                                              signed checkpoints (and, with --witness, the
                                              checkpoints kept outside the database); exit code
                                              3 if anything does not verify
  statistics:publish --council <id> --period <YYYY-MM|YYYY-Qn|FYYYYY>
                                              publish every month of a closed period now
                                              (computed once, suppressed, stored); exit code 3
                                              if a coordinator holds one of them
  kek:rotate                                  re-wrap every case's data key under DATA_KEK (old
                                              keys in DATA_KEK_PREVIOUS); afterwards the old KEK
                                              is no longer needed
  data:seal                                   seal what was stored before envelope encryption
                                              (case sensitive, notes, contact notes, risk
                                              reasons, related persons, attachment files) and
                                              remove disposed cases' files; safe to run again
  db:provision --admin-url <url> [--database <name>]
                                              create the owner, application and platform roles
                                              and the database on a PostgreSQL server (DATABASE_URL
                                              mode); passwords from OWNER_PASSWORD / APP_PASSWORD /
                                              PLATFORM_PASSWORD or generated

Without DATABASE_URL the CLI works on the embedded database under DATA_DIR (.data/), whether
or not the server is running.`;

const out = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      'admin-url': { type: 'string' },
      database: { type: 'string', default: 'council' },
      council: { type: 'string' },
      period: { type: 'string' },
      witness: { type: 'string' },
      name: { type: 'string' },
      'member-body': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  switch (positionals[0]) {
    case 'create-admin':
      return createAdmin(values.email, values.password, out);
    case 'migrate':
      return migrate(out);
    case 'kek:rotate':
      return kekRotate(out);
    case 'data:seal':
      return dataSeal(out);
    case 'audit:verify':
      if (!(await auditVerify(values.council, out, values.witness))) process.exitCode = 3;
      return;
    case 'statistics:publish':
      if (!(await statisticsPublish(values.council, values.period, out))) process.exitCode = 3;
      return;
    case 'council:recover':
      return councilRecover(
        {
          council: values.council,
          email: values.email,
          name: values.name,
          memberBody: values['member-body'],
        },
        out,
      );
    case 'db:provision':
      return dbProvision(values['admin-url'], values.database ?? 'council', out);
    default:
      out(USAGE);
      if (!values.help) process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
