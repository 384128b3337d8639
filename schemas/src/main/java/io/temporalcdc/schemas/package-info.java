/**
 * The contracts of temporal-cdc: Temporal's PostgreSQL DDL as Flyway migrations ({@link io.temporalcdc.schemas.SchemaMigrator}),
 * the Elasticsearch index template and ILM policy ({@link io.temporalcdc.schemas.ElasticsearchContracts}), topic names
 * ({@link io.temporalcdc.schemas.Topics}), Redis key patterns ({@link io.temporalcdc.schemas.RedisKeys}) and Temporal's
 * workflow status numbering ({@link io.temporalcdc.schemas.WorkflowExecutionStatus}).
 */
package io.temporalcdc.schemas;
