/** The broker's handler table: one module per API key. */
import { alterConfigsHandler, incrementalAlterConfigsHandler } from './alter-configs';
import { apiVersionsHandler } from './api-versions';
import { createPartitionsHandler } from './create-partitions';
import { createTopicsHandler } from './create-topics';
import { deleteRecordsHandler } from './delete-records';
import { deleteTopicsHandler } from './delete-topics';
import { describeClusterHandler } from './describe-cluster';
import { describeConfigsHandler } from './describe-configs';
import { fetchHandler } from './fetch';
import { findCoordinatorHandler } from './find-coordinator';
import { initProducerIdHandler } from './init-producer-id';
import { listOffsetsHandler } from './list-offsets';
import { metadataHandler } from './metadata';
import { produceHandler } from './produce';
import type { ApiHandler } from './types';

export function brokerHandlers(): ApiHandler[] {
  const table: ApiHandler[] = [
    produceHandler,
    fetchHandler,
    listOffsetsHandler,
    metadataHandler,
    findCoordinatorHandler,
    createTopicsHandler,
    deleteTopicsHandler,
    deleteRecordsHandler,
    initProducerIdHandler,
    describeConfigsHandler,
    alterConfigsHandler,
    createPartitionsHandler,
    incrementalAlterConfigsHandler,
    describeClusterHandler,
  ];
  table.push(apiVersionsHandler(() => [...table].sort((a, b) => a.apiKey - b.apiKey)));
  return table;
}
