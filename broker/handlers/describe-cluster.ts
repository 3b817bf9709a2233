/** DescribeCluster (60): this node is the whole cluster and its controller. */
import { ApiKey } from '../protocol/apis';
import { ErrorCode } from '../protocol/error-codes';
import { AUTHORIZED_OPERATIONS_UNKNOWN, type ApiHandler } from './types';

export const describeClusterHandler: ApiHandler = {
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle(_req, ctx) {
    const { config, clusterId } = ctx.broker;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: 1,
      clusterId,
      controllerId: config.nodeId,
      brokers: [{ brokerId: config.nodeId, host: config.advertised.host, port: config.advertised.port, rack: null }],
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_UNKNOWN,
    };
  },
};
