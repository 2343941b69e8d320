import { runFunnelOutboxContract } from "./funnel-outbox-contract";
import { openTestSqlite } from "./support";

runFunnelOutboxContract("sqlite", openTestSqlite);
