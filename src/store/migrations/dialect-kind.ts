/** The two databases the migrations are written for. */
export type DialectKind = 'sqlite' | 'postgres';
