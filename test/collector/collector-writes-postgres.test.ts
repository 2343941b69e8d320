import { openTestPostgres } from "../db/support.ts";
import { runCollectorWritesContract } from "./collector-writes-contract.ts";

runCollectorWritesContract("postgres", openTestPostgres);
