// `pgsafe verify`: run migrations on a real database (PGlite by default) and trace what they do.
export { openPglite, openServer, requestedExtensions, leftoverDatabases, connectionProblem, DatabaseError, type VerifyDb } from './db';
export { traceStatement, snapshotRelations, heldLocks, type Observation, type ObservedLock, type RelationSnapshot } from './trace';
export { runStatements, fileMode, cannotRunInTransaction, StatementError, type FileMode, type StatementRun } from './run';
export { compareWithCatalogue, describeDisagreement, type Disagreement } from './compare';
export { verifySet, type SetVerdict, type FileVerdict, type StatementReport, type VerifySetOptions, type VerifyEvent } from './verify';
export { RERUN_KINDS, RERUN_LABEL, RERUN_SEVERITY, type RerunKind, type RerunFinding, type Idempotency } from './rerun';
export { seedRows, type SeedResult } from './seed';
export { formatVerifyText, formatVerifyJson, formatVerifyMarkdown, summarize, rerunCounts, describeRerun, type VerifySummary } from './format';
