/** API keys and the request/response schemas for each API this project speaks. */
import * as M from './messages';
import type { MessageSchema } from './schema';

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  OffsetForLeaderEpoch: 23,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DeleteGroups: 42,
  IncrementalAlterConfigs: 44,
  OffsetDelete: 47,
  DescribeCluster: 60,
} as const;

export interface ApiSchemas {
  name: string;
  request: MessageSchema;
  response: MessageSchema;
}

const PAIRS: Array<[MessageSchema, MessageSchema]> = [
  [M.ProduceRequest, M.ProduceResponse],
  [M.FetchRequest, M.FetchResponse],
  [M.ListOffsetsRequest, M.ListOffsetsResponse],
  [M.MetadataRequest, M.MetadataResponse],
  [M.OffsetCommitRequest, M.OffsetCommitResponse],
  [M.OffsetFetchRequest, M.OffsetFetchResponse],
  [M.FindCoordinatorRequest, M.FindCoordinatorResponse],
  [M.JoinGroupRequest, M.JoinGroupResponse],
  [M.HeartbeatRequest, M.HeartbeatResponse],
  [M.LeaveGroupRequest, M.LeaveGroupResponse],
  [M.SyncGroupRequest, M.SyncGroupResponse],
  [M.DescribeGroupsRequest, M.DescribeGroupsResponse],
  [M.ListGroupsRequest, M.ListGroupsResponse],
  [M.SaslHandshakeRequest, M.SaslHandshakeResponse],
  [M.ApiVersionsRequest, M.ApiVersionsResponse],
  [M.CreateTopicsRequest, M.CreateTopicsResponse],
  [M.DeleteTopicsRequest, M.DeleteTopicsResponse],
  [M.DeleteRecordsRequest, M.DeleteRecordsResponse],
  [M.InitProducerIdRequest, M.InitProducerIdResponse],
  [M.OffsetForLeaderEpochRequest, M.OffsetForLeaderEpochResponse],
  [M.DescribeConfigsRequest, M.DescribeConfigsResponse],
  [M.AlterConfigsRequest, M.AlterConfigsResponse],
  [M.SaslAuthenticateRequest, M.SaslAuthenticateResponse],
  [M.CreatePartitionsRequest, M.CreatePartitionsResponse],
  [M.DeleteGroupsRequest, M.DeleteGroupsResponse],
  [M.IncrementalAlterConfigsRequest, M.IncrementalAlterConfigsResponse],
  [M.OffsetDeleteRequest, M.OffsetDeleteResponse],
  [M.DescribeClusterRequest, M.DescribeClusterResponse],
];

/** Schemas by API key. */
export const API_SCHEMAS: ReadonlyMap<number, ApiSchemas> = new Map(
  PAIRS.map(([request, response]) => [
    request.apiKey as number,
    { name: request.name.replace(/Request$/, ''), request, response },
  ]),
);
