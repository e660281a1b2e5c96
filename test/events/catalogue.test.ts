import { describe, expect, it } from 'vitest';
import {
  ABSTRACT_EVENT_TYPES,
  EVENT_PARENTS,
  ManualClock,
  RemoteCommunicationEvent,
  Supervisor,
  eventTypeChain,
  type SupervisorEvent,
} from '../../src/index.js';
import { FakeSpawner } from '../helpers/fake-spawner.js';

// The catalogue (events.py EventTypes) and the events added for issue 5.

describe('catalogue', () => {
  it('has supervisord’s 27 type names, with TICK and REMOTE_COMMUNICATION', () => {
    expect(Object.keys(EVENT_PARENTS)).toHaveLength(28);
    expect(eventTypeChain('TICK_3600')).toEqual(['TICK_3600', 'TICK', 'EVENT']);
    expect(eventTypeChain('REMOTE_COMMUNICATION')).toEqual(['REMOTE_COMMUNICATION', 'EVENT']);
    expect([...ABSTRACT_EVENT_TYPES].sort()).toEqual([
      'EVENT',
      'PROCESS_COMMUNICATION',
      'PROCESS_GROUP',
      'PROCESS_LOG',
      'PROCESS_STATE',
      'SUPERVISOR_STATE_CHANGE',
      'TICK',
    ]);
  });

  it('REMOTE_COMMUNICATION: payload type:<type>\\n<data>', () => {
    const e = new RemoteCommunicationEvent('deploy', 'v1\nline two');
    expect([e.type, e.remoteType, e.data, e.serialize()]).toEqual([
      'REMOTE_COMMUNICATION',
      'deploy',
      'v1\nline two',
      'type:deploy\nv1\nline two',
    ]);
  });

  it('sendRemoteCommEvent emits under REMOTE_COMMUNICATION and EVENT, and checks its arguments', async () => {
    const sup = new Supervisor({}, { clock: new ManualClock(), spawner: new FakeSpawner() });
    const got: string[] = [];
    sup.on('REMOTE_COMMUNICATION', (e) => got.push(`REMOTE ${e.remoteType} ${e.data}`));
    sup.on('EVENT', (e: SupervisorEvent) => got.push(`EVENT ${e.type}`));
    await sup.start();
    await expect(sup.sendRemoteCommEvent('t', 'd')).resolves.toBe(true);
    await expect(sup.sendRemoteCommEvent(1 as unknown as string, 'd')).rejects.toThrow(TypeError);
    expect(got.filter((g) => !g.startsWith('EVENT TICK'))).toEqual([
      'EVENT SUPERVISOR_STATE_CHANGE_RUNNING',
      'REMOTE t d',
      'EVENT REMOTE_COMMUNICATION',
    ]);
    await sup.shutdown();
  });
});
