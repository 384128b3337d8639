-- Temporal's SQL visibility table on PostgreSQL, as temporal-cdc's temporal-v12 profile reads it: the columns of
-- Temporal's schema/postgresql/v12/visibility (visibility schema 1.14, Temporal server 1.31). Tests and the demo
-- create it with this file; a real deployment already has it (temporal-sql-tool), in the visibility database's
-- search_path schema (public by default), and cdc-source's visibility.schema names that schema.
--
-- Temporal's own schema also has one STORED generated column per search attribute (Keyword01, Int01, ...) and
-- indexes on them. Logical replication does not publish generated columns, so the pipeline reads every attribute
-- from search_attributes; two of them are kept here to show that they change nothing.
CREATE TABLE IF NOT EXISTS executions_visibility (
  namespace_id            CHAR(64)      NOT NULL,
  run_id                  CHAR(64)      NOT NULL,
  _version                BIGINT        NOT NULL DEFAULT 0,  -- the visibility task id; an upsert keeps the row only if it grows
  start_time              TIMESTAMP     NOT NULL,
  execution_time          TIMESTAMP     NOT NULL,
  workflow_id             VARCHAR(255)  NOT NULL,
  workflow_type_name      VARCHAR(255)  NOT NULL,
  status                  INTEGER       NOT NULL,            -- go.temporal.io/api WorkflowExecutionStatus
  close_time              TIMESTAMP     NULL,
  history_length          BIGINT        NULL,
  history_size_bytes      BIGINT        NULL,
  execution_duration      BIGINT        NULL,                -- nanoseconds
  state_transition_count  BIGINT        NULL,
  memo                    BYTEA         NULL,                -- a serialized temporal.api.common.v1.Memo
  encoding                VARCHAR(64)   NOT NULL,            -- the memo's encoding: Proto3
  task_queue              VARCHAR(255)  NOT NULL DEFAULT '',
  search_attributes       JSONB         NULL,                -- field name -> value
  parent_workflow_id      VARCHAR(255)  NULL,
  parent_run_id           VARCHAR(255)  NULL,
  root_workflow_id        VARCHAR(255)  NOT NULL DEFAULT '',
  root_run_id             VARCHAR(255)  NOT NULL DEFAULT '',
  Keyword01               VARCHAR(255)  GENERATED ALWAYS AS (search_attributes->>'Keyword01') STORED,
  Int01                   BIGINT        GENERATED ALWAYS AS ((search_attributes->'Int01')::bigint) STORED,
  PRIMARY KEY (namespace_id, run_id)
);
