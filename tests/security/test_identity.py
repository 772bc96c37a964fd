"""Issue 14 item 1: nobody claims another identity. Machine settings come only from a
root-owned system config; SUDO_UID counts only for the service account it names.

The attacks with real OS accounts need root to create them (CI runs as root); elsewhere
they are skipped with that reason. Each account's command runs in a forked child that
drops to the account's uid and gids and calls console.cli.main there, so the system
config path is the test's (set in-process by tests/conftest.py), never an env variable.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from console import config
from console.identity import os_login
from tests.cli.helpers import Ran, cli

OK, PROBLEM, BAD_INPUT, REFUSED = 0, 1, 2, 3
GROUP, RECEPTION, ADMIN2, SERVICE = "rc14staff", "rc14recep", "rc14admin2", "rc14svc"


# -- without OS accounts -------------------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        'service_account = "me"',
        'group = "staff"',
        'printer = "Front-Desk"',
        'letters_dir = "/tmp"',
        'state_dir = "/tmp"',
    ],
)
def test_a_users_own_config_cannot_hold_machine_settings(tmp_path: Path, line: str) -> None:
    path = config.user_config_path()
    path.parent.mkdir(parents=True)
    path.write_text(line + "\n")
    result = cli("--db", str(tmp_path / "x.db"), "init")
    assert result.returncode == BAD_INPUT
    assert "is a machine setting and is read only from" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_the_idle_lock_is_the_practices_and_a_user_may_only_keep_their_own(
    system_config: Callable[[str], Path],
) -> None:
    """The minutes are the practice setting (tests/ui/test_lock.py: a user's shorter
    lock wins, a longer one does not); /etc no longer holds them."""
    path = config.user_config_path()
    path.parent.mkdir(parents=True)
    assert config.load().lock_minutes is None
    path.write_text("lock_minutes = 2\n")
    assert config.load().lock_minutes == 2
    path.write_text("lock_minutes = 0\n")
    with pytest.raises(config.ConfigError, match="from 1 to 240"):
        config.load()
    path.write_text("")
    system_config("lock_minutes = 60\n")
    with pytest.raises(config.ConfigError, match="practice's idle lock"):
        config.load()


@pytest.mark.parametrize("how", ["group-writable", "world-writable", "not root's"])
def test_an_untrusted_system_config_is_refused(
    system_config: Callable[[str], Path], tmp_path: Path, how: str
) -> None:
    path = system_config('group = "root"\n')
    if how == "group-writable":
        path.chmod(0o664)
    elif how == "world-writable":
        path.parent.chmod(0o777)
    else:
        os.chown(path, pwd.getpwnam("nobody").pw_uid, -1)
    result = cli("--db", str(tmp_path / "x.db"), "init")
    assert result.returncode == REFUSED
    assert "is not trusted" in result.stderr


def test_sudo_uid_is_ignored_unless_running_as_the_named_service_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = pwd.getpwuid(os.getuid()).pw_name
    other = pwd.getpwnam("nobody")
    monkeypatch.setenv("SUDO_UID", str(other.pw_uid))
    assert os_login("") == me  # no service account configured
    assert os_login("daemon") == me  # a service account, but this process is not it
    assert os_login(me) == other.pw_name  # running as the service account: honoured
    monkeypatch.setenv("SUDO_UID", "99999999999999999999")
    assert os_login(me) == me  # nonsense is not someone


# -- with real OS accounts (root) -----------------------------------------------------------
@dataclass(frozen=True)
class Machine:
    base: Path
    data: Path

    def home(self, login: str) -> Path:
        return self.base / f"home-{login}"


def _sh(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


@pytest.fixture(scope="module")
def accounts() -> Iterator[None]:
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("creating OS accounts needs root and useradd (CI runs as root)")
    created: list[tuple[str, str]] = []
    try:
        grp.getgrnam(GROUP)
    except KeyError:
        _sh("groupadd", GROUP)
        created.append(("groupdel", GROUP))
    for login, groups in ((RECEPTION, [GROUP]), (ADMIN2, [GROUP]), (SERVICE, [])):
        try:
            pwd.getpwnam(login)
        except KeyError:
            extra = ["-G", ",".join(groups)] if groups else []
            _sh("useradd", "-M", "-s", "/usr/sbin/nologin", *extra, login)
            created.insert(0, ("userdel", login))
    yield
    for command, name in created:
        subprocess.run([command, name], capture_output=True)


@pytest.fixture
def machine(accounts: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Machine]:
    """A surgery server: /etc config, a shared data folder (group rc14staff), homes."""
    # An earlier in-process command may have left main()'s umask 077 behind, which would
    # make the /etc folder unreadable to the staff accounts: a server's umask is 022.
    umask = os.umask(0o022)
    base = Path(tempfile.mkdtemp(prefix="rc14-"))
    base.chmod(0o755)
    (base / "etc").mkdir(mode=0o755)
    monkeypatch.setattr(config, "SYSTEM_CONFIG", base / "etc" / "config.toml")
    data = base / "data"
    data.mkdir()
    os.chown(data, 0, grp.getgrnam(GROUP).gr_gid)
    data.chmod(0o2770)
    for login in (RECEPTION, ADMIN2, SERVICE):
        home = base / f"home-{login}"
        home.mkdir(mode=0o700)
        os.chown(home, pwd.getpwnam(login).pw_uid, -1)
    # Modules the children import later live under paths they may not read: load them.
    import console.services.auditlog
    import console.services.staff
    import console.services.transfer  # noqa: F401

    try:
        yield Machine(base, data)
    finally:
        shutil.rmtree(base, ignore_errors=True)
        os.umask(umask)


def system(machine: Machine, text: str) -> None:
    path = config.SYSTEM_CONFIG
    path.write_text(text)
    path.chmod(0o644)


def run_as(machine: Machine, login: str, *args: str, sudo_uid: int | None = None) -> Ran:
    """`recovery-console ARGS` as the OS account `login`, in a forked child."""
    account = pwd.getpwnam(login)
    home = machine.home(login)
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "PATH": "/usr/bin:/bin"}
    env["XDG_DATA_HOME"] = str(home / ".local" / "share")
    if sudo_uid is not None:
        env["SUDO_UID"] = str(sudo_uid)
    groups = [g.gr_gid for g in grp.getgrall() if login in g.gr_mem]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: become the account, run the command, report, leave
        try:
            os.close(read)
            os.setgroups(groups)
            os.setgid(account.pw_gid)
            os.setuid(account.pw_uid)
            os.environ.clear()
            os.environ.update(env)
            os.chdir(home)
            done = cli(*args)
            payload = [done.returncode, done.stdout, done.stderr]
        except BaseException as exc:  # reported to the parent as status 99
            payload = [99, "", f"{type(exc).__name__}: {exc}"]
        with os.fdopen(write, "w") as fh:
            json.dump(payload, fh)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        text = fh.read()
    os.waitpid(pid, 0)
    code, out, err = json.loads(text)
    return Ran(code, out, err)


def user_config(machine: Machine, login: str, text: str) -> None:
    path = machine.home(login) / ".config" / "recovery-console" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    uid = pwd.getpwnam(login).pw_uid
    for part in (path, path.parent, path.parent.parent):
        os.chown(part, uid, -1)


def staff_roles(db: Path) -> dict[str, str]:
    listed = cli("--db", str(db), "staff", "list")
    assert listed.returncode == OK, listed.stderr
    return {line.split()[0]: line for line in listed.stdout.splitlines()}


def test_a_receptionist_cannot_make_themselves_admin(machine: Machine) -> None:
    """The attack as found: own config names the service account, SUDO_UID=0."""
    system(machine, f'group = "{GROUP}"\n')
    db = machine.data / "practice.db"
    assert cli("--db", str(db), "init").returncode == OK  # root: the first admin
    assert (
        cli(
            "--db",
            str(db),
            "staff",
            "add",
            RECEPTION,
            "--name",
            "Front Desk",
            "--role",
            "reception",
        ).returncode
        == OK
    )
    attack = ("--db", str(db), "staff", "add", RECEPTION, "--name", "X", "--role", "admin")
    user_config(machine, RECEPTION, f'service_account = "{RECEPTION}"\n')
    result = run_as(machine, RECEPTION, *attack, sudo_uid=0)
    assert result.returncode == BAD_INPUT, result.stderr
    assert "'service_account' is a machine setting" in result.stderr
    user_config(machine, RECEPTION, "")
    for args in (
        ("--db", str(db), "staff", "set", RECEPTION, "--role", "admin", "--role", "clinician"),
        ("--db", str(db), "export", "patients", str(machine.home(RECEPTION) / "all.csv")),
    ):
        result = run_as(machine, RECEPTION, *args, sudo_uid=0)
        assert result.returncode == REFUSED, result.stderr  # they are still reception
        assert "Not allowed" in result.stderr
    assert "reception" in staff_roles(db)[RECEPTION] and "admin" not in staff_roles(db)[RECEPTION]
    assert not (machine.home(RECEPTION) / "all.csv").exists()
    assert cli("--db", str(db), "audit", "verify").returncode == OK


def test_sudo_uid_names_the_invoking_account_only_under_the_service_account(
    machine: Machine,
) -> None:
    db = machine.base / "svc" / "practice.db"  # the service account's own folder
    system(machine, f'service_account = "{SERVICE}"\ndatabase = "{db}"\n')
    assert cli("init").returncode == OK  # root, the first admin
    assert cli("staff", "add", ADMIN2, "--name", "Second Admin", "--role", "admin").returncode == OK
    svc = pwd.getpwnam(SERVICE)
    for path in (db.parent, *db.parent.rglob("*")):  # as if the service account made it all
        os.chown(path, svc.pw_uid, svc.pw_gid)
    admin2 = pwd.getpwnam(ADMIN2).pw_uid
    result = run_as(
        machine,
        SERVICE,
        "staff",
        "add",
        "kross",
        "--name",
        "K",
        "--role",
        "clinician",
        sudo_uid=admin2,
    )
    assert result.returncode == OK, result.stderr
    # the audit log names the invoking account, read back through the service account
    from sqlmodel import Session, select

    from db.engine import make_engine
    from db.models import AuditEvent

    engine = make_engine(db, create=False)
    with Session(engine) as session:
        last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]
    engine.dispose()
    assert last is not None and last.action == "staff.add" and last.login == ADMIN2
    # another account setting SUDO_UID gets nothing from it, and may not name a database
    result = run_as(machine, RECEPTION, "--db", str(machine.data / "mine.db"), "init", sudo_uid=0)
    assert result.returncode == REFUSED and "is not accepted on this machine" in result.stderr


def test_a_second_admin_can_verify_and_write_a_shared_database(machine: Machine) -> None:
    system(machine, f'group = "{GROUP}"\n')
    db = machine.data / "practice.db"
    assert cli("--db", str(db), "init").returncode == OK
    assert (
        cli(
            "--db", str(db), "staff", "add", ADMIN2, "--name", "Second", "--role", "admin"
        ).returncode
        == OK
    )
    anchor = Path(f"{db}.audit-head")
    assert anchor.stat().st_mode & 0o777 == 0o660
    assert anchor.stat().st_gid == grp.getgrnam(GROUP).gr_gid
    result = run_as(machine, ADMIN2, "--db", str(db), "audit", "verify")
    assert result.returncode == OK, result.stderr
    before = anchor.read_text()
    result = run_as(
        machine,
        ADMIN2,
        "--db",
        str(db),
        "staff",
        "add",
        "kross",
        "--name",
        "K",
        "--role",
        "clinician",
    )
    assert result.returncode == OK, result.stderr
    assert anchor.read_text() != before  # the second admin's write moved it
    assert anchor.stat().st_gid == grp.getgrnam(GROUP).gr_gid
    assert anchor.stat().st_mode & 0o777 == 0o660
    assert cli("--db", str(db), "audit", "verify").returncode == OK
