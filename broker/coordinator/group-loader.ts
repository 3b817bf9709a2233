/**
 * Rebuilds the coordinator's groups from __consumer_offsets at start-up: the newest record per key
 * wins and a tombstone deletes, so the result is what compaction would leave. Groups with members
 * come back Stable with their assignments; groups without come back Empty.
 */
import { ClassicGroup } from './classic-group';
import { GroupMember } from './group-member';
import type { GroupRecord, StoredGroup } from './group-records';

export interface LoadedGroups {
  groups: ClassicGroup[];
  records: number;
}

export function loadGroups(records: Iterable<GroupRecord>, now: number): LoadedGroups {
  const metadata = new Map<string, StoredGroup | null>();
  const offsets = new Map<string, Map<string, GroupRecord & { kind: 'offset' }>>();
  let count = 0;
  for (const record of records) {
    count++;
    if (record.kind === 'group') {
      metadata.set(record.groupId, record.value);
      // Deleting a group deletes its offsets with their own tombstones; nothing to do here.
      continue;
    }
    let byPartition = offsets.get(record.groupId);
    if (!byPartition) offsets.set(record.groupId, (byPartition = new Map()));
    byPartition.set(`${record.topic}\0${record.partition}`, record);
  }
  const groups = new Map<string, ClassicGroup>();
  for (const [groupId, stored] of metadata) if (stored) groups.set(groupId, restoreGroup(groupId, stored, now));
  for (const [groupId, byPartition] of offsets) {
    for (const record of byPartition.values()) {
      if (record.value === null) continue;
      let group = groups.get(groupId);
      if (!group) groups.set(groupId, (group = new ClassicGroup(groupId, now)));
      group.setCommitted(record.topic, record.partition, record.value);
    }
  }
  return { groups: [...groups.values()], records: count };
}

function restoreGroup(groupId: string, stored: StoredGroup, now: number): ClassicGroup {
  const group = new ClassicGroup(groupId, stored.currentStateTimestamp >= 0 ? stored.currentStateTimestamp : now);
  group.generationId = stored.generationId;
  group.protocolType = stored.protocolType === '' ? null : stored.protocolType;
  group.protocolName = stored.protocolName;
  for (const m of stored.members) {
    const member = new GroupMember({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      protocolType: stored.protocolType,
      protocols: stored.protocolName === null ? [] : [{ name: stored.protocolName, metadata: m.subscription }],
    });
    member.assignment = m.assignment;
    group.add(member);
  }
  group.leaderId = stored.leaderId !== null && group.members.has(stored.leaderId) ? stored.leaderId : (group.members.keys().next().value ?? null);
  // Stored with members means a completed generation: Empty → PreparingRebalance → CompletingRebalance → Stable.
  if (group.members.size > 0) {
    group.transitionTo('PreparingRebalance', now);
    group.transitionTo('CompletingRebalance', now);
    group.transitionTo('Stable', now);
  }
  return group;
}
