import { compileSql } from '../sql/placeholders';
import { type StarSql, starSql } from '../sql/star';
import type { NamedQuery } from '../types';

/** Where the warehouse keeps the star schemas and the platform's state. */
export interface Schemas {
  readonly warehouse: string;
  readonly state: string;
}

/** A named query before the schemas are known: the dashboard builds every one at start. */
export interface QueryDefinition {
  readonly name: string;
  readonly title: string;
  build(schemas: Schemas): NamedQuery;
}

/** A query over one fact and the dimensions it joins; it depends on exactly the models it reads. */
export function starQuery(
  name: string,
  title: string,
  fact: string,
  body: (s: StarSql) => string,
): QueryDefinition {
  return {
    name,
    title,
    build: (schemas) => {
      const s = starSql(schemas.warehouse, fact);
      const text = body(s);
      return { name, title, sql: compileSql(text), dependsOn: s.models() };
    },
  };
}
