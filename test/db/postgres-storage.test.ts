import { runStorageContract } from "./storage-contract.ts";
import { openTestPostgres } from "./support.ts";

runStorageContract("postgres", openTestPostgres);
