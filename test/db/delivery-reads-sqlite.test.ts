import { runDeliveryReadsContract } from "./delivery-reads-contract.ts";
import { openTestSqlite } from "./support.ts";

runDeliveryReadsContract("sqlite", openTestSqlite);
