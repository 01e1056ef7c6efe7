"""The directory of who receives what (``reminders.recipients``)."""

from sqlalchemy import select


def test_the_sweeps_per_notice_lookups_are_answered_from_memory(dbsession, demo, monkeypatch):
    """A national sweep asks the directory for a signer and an issuing office once per notice (a
    hundred thousand times): the leaders are indexed by name once, each tree and office kept."""
    from coordination.organizations.models import Agency
    from coordination.reminders import recipients

    issuer = dbsession.scalar(select(Agency.id).where(Agency.code == "UBND"))
    directory = recipients.Directory(dbsession)
    signer = directory.signer("Nguyễn Duy Hưng", issuer)
    office = directory.issuing_office(issuer)
    assert signer and office
    keys = []
    real = recipients._name_key
    monkeypatch.setattr(recipients, "_name_key", lambda name: keys.append(name) or real(name))
    for _ in range(100):
        assert directory.signer("Nguyễn Duy Hưng", issuer) == signer
        assert directory.issuing_office(issuer) == office
    assert len(keys) == 100  # the wanted name only, not every leader's each time
    assert directory.signer("nguyễn  duy HƯNG", issuer) == signer  # still matched as a name
