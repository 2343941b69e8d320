// Moved to test/support/wait.ts; this re-export goes once every importer uses the new path.
export { sleep, waitFor } from "../support/wait";
