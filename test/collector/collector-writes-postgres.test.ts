import { openTestPostgres } from "../db/support";
import { runCollectorWritesContract } from "./collector-writes-contract";

runCollectorWritesContract("postgres", openTestPostgres);
