import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * One way to the database: only repositories (`*.repository.ts`) and the database setup
 * (`src/database/`, the migrations) reach TypeORM or the PostgreSQL driver. Everything else
 * calls repository methods, so a query, and any sqlite/PostgreSQL difference, has one home.
 */
const DATABASE_ACCESS =
  /@Inject(?:Repository|DataSource|EntityManager)\b|\bDataSource\b|\bEntityManager\b|\bgetRepository\s*\(|\.query\s*\(|\bcreateQueryBuilder\s*\(|from 'pg'/;

const SRC = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function mayReachDatabase(path: string): boolean {
  const inSrc = relative(SRC, path).split(sep).join('/');
  return inSrc.endsWith('.repository.ts') || inSrc.startsWith('database/') || inSrc.startsWith('migrations/');
}

describe('the repository seam', () => {
  it('finds database access in the shapes it is written', () => {
    // The check below only means something if the pattern catches real uses.
    expect(DATABASE_ACCESS.test("    @InjectRepository(User) private readonly users: Repository<User>,")).toBe(true);
    expect(DATABASE_ACCESS.test('    @InjectDataSource() private readonly dataSource: DataSource,')).toBe(true);
    expect(DATABASE_ACCESS.test("await manager.query('SELECT pg_notify($1, $2)', [channel, ''])")).toBe(true);
    expect(DATABASE_ACCESS.test("const rows = this.dataSource.getRepository(Client);")).toBe(true);
    expect(DATABASE_ACCESS.test("this.rows.createQueryBuilder('f').select('f.created_at')")).toBe(true);
    expect(DATABASE_ACCESS.test("import { Client as PgClient } from 'pg';")).toBe(true);
    // …and not what merely looks alike.
    expect(DATABASE_ACCESS.test('const scope = request.query.scope;')).toBe(false);
    expect(DATABASE_ACCESS.test('private readonly users: UsersRepository,')).toBe(false);
  });

  it('leaves TypeORM and the driver to repositories and src/database', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    const offenders = files
      .filter((path) => !mayReachDatabase(path))
      .filter((path) => DATABASE_ACCESS.test(readFileSync(path, 'utf8')))
      .map((path) => relative(SRC, path));
    expect(offenders).toEqual([]);
  });
});
