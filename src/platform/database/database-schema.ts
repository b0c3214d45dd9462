/** The generated entities and migrations an app hands to PlatformModule.forRoot() and runMigrations(). */
export interface DatabaseSchema {
  // TypeORM's own option types use Function for entity and migration classes.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: readonly Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: readonly Function[];
}
