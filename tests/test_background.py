"""The background-job broker the settings choose: the database by default, Redis when REDIS_URL is set.

Jobs run synchronously in the rest of the suite; these tests push a real package through the
configured broker, so CI's PostgreSQL-and-Redis run exercises Redis itself.
"""

import uuid

import pytest
from django.conf import settings
from django_q.brokers import get_broker
from django_q.signing import SignedPackage


@pytest.fixture
def broker(transactional_db):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    broker = get_broker(queue)
    yield broker
    broker.delete_queue()


def test_the_broker_is_the_one_the_settings_name(broker):
    expected = "Redis" if settings.REDIS_URL else "ORM"
    assert type(broker).__name__ == expected
    assert broker.ping()


def test_a_job_round_trips_through_the_broker(broker):
    package = SignedPackage.dumps({"id": "job-1", "func": "math.floor", "args": (2.5,)})
    broker.enqueue(package)
    assert broker.queue_size() == 1
    [(task_id, payload)] = broker.dequeue()
    assert SignedPackage.loads(payload)["func"] == "math.floor"
    broker.acknowledge(task_id)
    assert broker.queue_size() == 0
