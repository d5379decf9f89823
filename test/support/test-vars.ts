/**
 * @module
 * The `[vars]` the workers test project runs with: small limits, so tests can reach them. The
 * real defaults are checked against wrangler.toml and a real server in the node project. Tests
 * read the limits from here (`TEST_CONFIG`) instead of repeating the numbers.
 */
import { readConfig } from "../../src/config";

export const TEST_VARS = {
  HISTORY_ON_JOIN: "5",
  HISTORY_LIMIT: "30",
  MAX_USERS_PER_ROOM: "6",
  // Twenty new (session, name) pairs at once per room, then one a second: no other test comes
  // near it, a test of the limit reaches it in a moment, and a slow machine refills no more
  // than one token while a test looks.
  JOIN_BURST: "20",
  JOIN_PER_SECOND: "1",
  MAX_UNACKED_BYTES: "32768",
  POLL_TIMEOUT_SECONDS: "10",
  ALLOWED_ORIGINS: "https://teacher.example, https://mirror.example/",
};

export const TEST_CONFIG = readConfig(TEST_VARS);
