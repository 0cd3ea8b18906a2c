"""The shared request queue, made reliable: a popped request is not gone until its worker
has finished with it.

scrapy-redis pops requests destructively (ZRANGE + ZREMRANGEBYRANK), so a worker that
dies takes the requests it was fetching with it. Here a pop moves the request, in the same
Lua script, into the worker's in-flight hash; the worker acknowledges (HDEL) once Scrapy is
done with it, and keeps a heartbeat key with a TTL alive. A *sweep*, run by every worker
now and then and whenever it is idle, finds workers whose heartbeat expired and pushes
their in-flight requests back to the queue with their priority, straight into the sorted
set: they passed the duplicate filter once already and must not be filtered again.

The same sweep tells whether the crawl is over (nothing queued, nothing in flight
anywhere) and can then empty the duplicate filter in the same step, so the next crawl of
the portal starts fresh. Because the filtered push (Bloom filter test-and-set plus ZADD)
is one script too, a reset can never fall between a request passing the filter and
reaching the queue.

Everything is one Redis server (the sweep reaches keys named in the script); Redis Cluster
is not supported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy import Request
from scrapy_redis.queue import PriorityQueue

from newsarchive.distributed.bloom import BLOOM_ADD_LUA, BloomFilter
from newsarchive.distributed.keys import PortalKeys

# In-flight hash values are "score|serialized request"; the score has no "|".
MOVE_BACK_LUA = """
local function move_back(held, queue)
  local entries = redis.call('HVALS', held)
  for _, v in ipairs(entries) do
    local sep = string.find(v, '|', 1, true)
    redis.call('ZADD', queue, string.sub(v, 1, sep - 1), string.sub(v, sep + 1))
  end
  redis.call('DEL', held)
  return #entries
end
"""

# KEYS: queue, inflight hash, workers set, alive key. ARGV: token, worker id, ttl (ms).
RESERVE_LUA = """
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('SET', KEYS[4], '1', 'PX', ARGV[3])
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
redis.call('HSET', KEYS[2], ARGV[1], top[2] .. '|' .. top[1])
return top[1]
"""

# KEYS: bitmap, filter info, queue. ARGV: score, request, bit positions...
PUSH_NEW_LUA = BLOOM_ADD_LUA + """
local count = bloom_add(KEYS[1], KEYS[2], 3, #ARGV)
if count > 0 then redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2]) end
return count
"""

# KEYS: queue, inflight hash.
REQUEUE_LUA = MOVE_BACK_LUA + "return move_back(KEYS[2], KEYS[1])"

# KEYS: queue, workers set, then the filter's keys to delete if the crawl is over (or none).
# ARGV: inflight key prefix, alive key prefix.
SWEEP_LUA = MOVE_BACK_LUA + """
local reclaimed, inflight = 0, 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[2] .. w) == 0 then
    reclaimed = reclaimed + move_back(ARGV[1] .. w, KEYS[1])
    redis.call('SREM', KEYS[2], w)
  else
    inflight = inflight + redis.call('HLEN', ARGV[1] .. w)
  end
end
local queued = redis.call('ZCARD', KEYS[1])
local reset = 0
if #KEYS > 2 and queued == 0 and inflight == 0 then
  redis.call('DEL', unpack(KEYS, 3))
  reset = 1
end
return {reclaimed, queued, inflight, reset}
"""


@dataclass(frozen=True)
class Sweep:
    reclaimed: int  # requests taken back from dead workers
    queued: int
    inflight: int  # held by live workers
    reset: bool  # the crawl was over and the duplicate filter was emptied

    @property
    def idle(self) -> bool:
        return not (self.queued or self.inflight)


class ReliableQueue(PriorityQueue):
    """scrapy-redis' priority queue (a sorted set scored by -priority) with reservations."""

    def __init__(self, server: Any, spider: Any, keys: PortalKeys, serializer: Any = None) -> None:
        super().__init__(server, spider, keys.queue, serializer)
        self.keys = keys
        self._reserve = server.register_script(RESERVE_LUA)
        self._push_new = server.register_script(PUSH_NEW_LUA)
        self._requeue = server.register_script(REQUEUE_LUA)
        self._sweep = server.register_script(SWEEP_LUA)

    def push_new(self, request: Request, bloom: BloomFilter, fingerprint: bytes) -> int:
        """Queue the request unless the filter has seen it: 0 if seen, else the filter's new
        insert count."""
        args = [-request.priority, self._encode_request(request), *bloom.spec.positions(fingerprint)]
        return int(self._push_new(keys=[*bloom.filter_keys, self.key], args=args))

    def reserve(self, worker: str, token: str, ttl_ms: int) -> Request | None:
        """Pop the most urgent request into ``worker``'s in-flight hash under ``token``;
        also renews the worker's heartbeat (it is evidently alive)."""
        keys = [self.key, self.keys.inflight(worker), self.keys.workers, self.keys.alive(worker)]
        data = self._reserve(keys=keys, args=[token, worker, ttl_ms])
        return self._decode_request(data) if data else None

    def ack(self, worker: str, tokens: list[str]) -> None:
        if tokens:
            self.server.hdel(self.keys.inflight(worker), *tokens)

    def requeue(self, worker: str) -> int:
        """Put back everything ``worker`` still holds (a clean stop with unfinished work)."""
        return int(self._requeue(keys=[self.key, self.keys.inflight(worker)]))

    def heartbeat(self, worker: str, ttl_ms: int) -> None:
        pipe = self.server.pipeline(transaction=False)
        pipe.sadd(self.keys.workers, worker)
        pipe.set(self.keys.alive(worker), "1", px=ttl_ms)
        pipe.execute()

    def leave(self, worker: str) -> None:
        pipe = self.server.pipeline(transaction=False)
        pipe.srem(self.keys.workers, worker)
        pipe.delete(self.keys.alive(worker))
        pipe.execute()

    def sweep(self, reset_keys: list[str] | None = None) -> Sweep:
        """Reclaim dead workers' requests; report what is left; if nothing is left and
        ``reset_keys`` are given, delete them (the duplicate filter) in the same step."""
        keys = [self.key, self.keys.workers, *(reset_keys or [])]
        reclaimed, queued, inflight, reset = self._sweep(
            keys=keys, args=[self.keys.inflight_prefix, self.keys.alive_prefix]
        )
        return Sweep(int(reclaimed), int(queued), int(inflight), bool(reset))
