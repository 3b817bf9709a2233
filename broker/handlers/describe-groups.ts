/**
 * DescribeGroups (15): state, protocol and members. Member metadata and assignments are returned as
 * the stored bytes; in a Stable group they are the current generation's, otherwise empty, as Kafka does.
 * An unknown group is described as Dead with no error (until v6, which is not offered).
 */
import { ApiKey } from '../protocol/apis';
import { ErrorCode } from '../protocol/error-codes';
import type { ClassicGroup } from '../coordinator/classic-group';
import type { Message } from '../protocol/codec';
import { AUTHORIZED_OPERATIONS_UNKNOWN, type ApiHandler } from './types';

const EMPTY = Buffer.alloc(0);

function describe(groupId: string, group: ClassicGroup | undefined, closed: boolean): Message {
  const base = { groupId, protocolType: '', protocolData: '', members: [] as Message[], authorizedOperations: AUTHORIZED_OPERATIONS_UNKNOWN };
  if (closed) return { ...base, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groupState: '' };
  if (!group) return { ...base, errorCode: ErrorCode.NONE, groupState: 'Dead' };
  const stable = group.is('Stable');
  return {
    ...base,
    errorCode: ErrorCode.NONE,
    groupState: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: stable ? (group.protocolName ?? '') : '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable && group.protocolName !== null ? m.metadataFor(group.protocolName) : EMPTY,
      memberAssignment: stable ? m.assignment : EMPTY,
    })),
  };
}

export const describeGroupsHandler: ApiHandler = {
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const { groups: coordinator } = ctx.broker.coordinator;
    const groups = (req.groups as string[]).map((id) => describe(id, coordinator.groups.get(id), coordinator.isClosed));
    return { throttleTimeMs: 0, groups };
  },
};
