import { runStorageContract } from "./storage-contract";
import { openTestPostgres } from "./support";

runStorageContract("postgres", openTestPostgres);
