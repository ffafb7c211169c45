import { describe, expect, it } from 'vitest';
import { splitSql } from './split-sql';

describe('splitSql', () => {
  it('splits at top-level semicolons and drops empty statements', () => {
    expect(splitSql('select 1; select 2;\n\n;  ')).toEqual(['select 1', 'select 2']);
  });

  it('keeps semicolons inside quotes, identifiers, dollar quotes and comments', () => {
    const script = `
      insert into t values ('a;b', 'it''s;'); -- trailing; comment
      create table "we;ird" (x int);
      /* block; comment */
      create function f() returns int as $body$ begin return 1; end; $body$ language plpgsql;
      select $$;$$`;
    const statements = splitSql(script);
    expect(statements).toHaveLength(4);
    expect(statements[0]).toBe("insert into t values ('a;b', 'it''s;')");
    expect(statements[1]).toContain('"we;ird"');
    expect(statements[2]).toContain('return 1; end; $body$ language plpgsql');
    expect(statements[3]).toBe('select $$;$$');
  });

  it('ignores a script of only comments', () => {
    expect(splitSql('-- nothing\n/* here */')).toEqual([]);
  });
});
