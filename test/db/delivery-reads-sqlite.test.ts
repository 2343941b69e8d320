import { runDeliveryReadsContract } from "./delivery-reads-contract";
import { openTestSqlite } from "./support";

runDeliveryReadsContract("sqlite", openTestSqlite);
