"""The supervisor's process side, with processes that are in-memory implementations of its
``Process`` port and a fake clock: who is restarted when, who is given up, who is left alone."""

from dataclasses import dataclass

from structlog.testing import capture_logs

from cli.supervision import RestartPolicy, Supervisor


@dataclass(eq=False)
class FakeProcess:
    returncode: int | None = None

    def poll(self) -> int | None:
        return self.returncode


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Stack:
    """Processes by name; ``spawn`` starts a new (running) one, as LocalStack.start_service."""

    def __init__(self, *names: str) -> None:
        self.procs = {name: FakeProcess() for name in names}
        self.spawned: list[str] = []

    def spawn(self, name: str) -> None:
        self.procs[name] = FakeProcess()
        self.spawned.append(name)


POLICY = RestartPolicy(base_s=1.0, cap_s=4.0, limit=3, window_s=60.0)


def supervised(*names: str) -> tuple[Stack, Clock, Supervisor]:
    stack, clock = Stack(*names), Clock()
    return stack, clock, Supervisor(stack.procs, stack.spawn, POLICY, clock)


def test_an_exited_service_is_restarted_after_the_delay_and_the_others_are_left_alone() -> None:
    stack, clock, supervisor = supervised("store", "gateway")
    stack.procs["store"].returncode = -9
    with capture_logs() as logs:
        supervisor.tick()
        assert stack.spawned == []  # not before the delay
        clock.now = 0.99
        supervisor.tick()
        assert stack.spawned == []
        clock.now = 1.0
        supervisor.tick()
    assert stack.spawned == ["store"] and stack.procs["store"].poll() is None
    assert supervisor.restarts == {"store": 1} and supervisor.given_up() == []
    assert [(e["event"], e["process"]) for e in logs] == [
        ("service.exited", "store"),
        ("service.restarted", "store"),
    ]
    assert logs[0]["exit_code"] == -9 and logs[0]["restart_in_s"] == 1.0


def test_a_service_that_keeps_crashing_is_given_up_and_the_others_still_run() -> None:
    stack, clock, supervisor = supervised("session", "store", "gateway")
    with capture_logs() as logs:
        for _ in range(POLICY.limit + 1):
            stack.procs["store"].returncode = 1  # it dies at once, each time
            supervisor.tick()
            clock.now += POLICY.cap_s
            supervisor.tick()
        for _ in range(10):
            clock.now += POLICY.cap_s
            supervisor.tick()
    assert stack.spawned == ["store"] * POLICY.limit
    assert supervisor.given_up() == ["store"]
    assert stack.procs["session"].poll() is None and stack.procs["gateway"].poll() is None
    assert logs[-1]["event"] == "service.given_up" and logs[-1]["exits"] == POLICY.limit + 1


def test_a_service_started_again_by_hand_is_not_started_twice() -> None:
    stack, clock, supervisor = supervised("reminder")
    stack.procs["reminder"].returncode = -9
    supervisor.tick()  # restart planned in 1 s
    stack.spawn("reminder")  # someone else restarts it first
    clock.now = 5.0
    supervisor.tick()
    assert stack.spawned == ["reminder"] and supervisor.restarts == {}


def test_a_given_up_service_started_by_hand_is_watched_again() -> None:
    stack, clock, supervisor = supervised("webhooks")
    for _ in range(POLICY.limit + 1):
        stack.procs["webhooks"].returncode = 1
        supervisor.tick()
        clock.now += POLICY.cap_s
        supervisor.tick()
    assert supervisor.given_up() == ["webhooks"]
    stack.spawn("webhooks")
    supervisor.tick()
    assert supervisor.given_up() == []
    stack.procs["webhooks"].returncode = -9
    clock.now += POLICY.window_s  # the earlier exits are out of the window
    supervisor.tick()
    clock.now += POLICY.base_s
    supervisor.tick()
    assert stack.procs["webhooks"].poll() is None and supervisor.restarts["webhooks"] == 4


def test_nothing_is_restarted_once_halted() -> None:
    stack, clock, supervisor = supervised("gateway")
    stack.procs["gateway"].returncode = 0
    supervisor.halt()
    clock.now = 100.0
    supervisor.tick()
    assert stack.spawned == []
