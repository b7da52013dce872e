"""The README's questions, answered through a Python client generated from openapi/openapi.json
(openapi-python-client; scripts/lint-openapi generates it and puts it on PYTHONPATH as `client`),
against the real binary started on loopback with the seeded catalogue. Usage:
readme_questions.py PATH_TO_BINARY."""
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from client import Client
from client.types import UNSET
from client.api.attributes import get_attributes_by_name
from client.api.reports import get_compare, post_reports_portfolio
from client.api.services import get_services, get_services_by_id
from client.api.sub_processors import get_sub_processors_by_id
from client.models import Comparison, Flag, Sensitivity, PortfolioReport, PortfolioRequest, ServiceList, ServiceProfile


def start(binary, work):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, DATABASE_URL=f"{work}/registry.db", BIND_ADDR=f"127.0.0.1:{port}",
               TOKEN_KEY_FILE=f"{work}/token-key", RUST_LOG="warn", FEIDE_API_URL="")
    server = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/readyz")
            return server, base
        except OSError:
            time.sleep(0.05)
    server.kill()
    sys.exit("the registry did not become ready")


def every_service(api, **filters):
    """Every page of a filtered service list."""
    items, cursor = [], None
    while True:
        page = get_services.sync(client=api, limit=500, cursor=UNSET if cursor is None else cursor, **filters)
        assert isinstance(page, ServiceList), page
        items += page.items
        cursor = page.next_cursor
        if cursor is None:
            return items


def answer(api):
    # Which services send pupils' data outside the EEA?
    outside = every_service(api, outside_eea=True)
    assert outside, "the seeded catalogue has services sending data outside the EEA"
    for s in outside:
        assert s.third_countries, f"{s.id} is listed as outside the EEA without a third country"
    print("outside the EEA:", ", ".join(f"{s.id} ({'/'.join(s.third_countries)})" for s in outside))

    # Who receives the national identity number, and why? Everyone who does is high-sensitivity.
    nin = get_attributes_by_name.sync("norEduPersonNIN", client=api)
    assert nin.name == "norEduPersonNIN" and nin.sensitivity == Sensitivity.HIGH
    high = {s.id for s in every_service(api, sensitivity=Sensitivity.HIGH)}
    for use in nin.services:
        assert use.service.id in high, f"{use.service.id} receives the NIN but is not listed as high"
    print("national identity number:", [u.service.id for u in nin.services], "high sensitivity:", sorted(high))

    # What does Kikora do with our pupils' data?
    kikora = get_services_by_id.sync("kikora", client=api)
    assert isinstance(kikora, ServiceProfile), kikora
    assert kikora.vendor.id == "eldur-learning" and kikora.purposes
    for sp in kikora.sub_processors:
        assert sp.locations, f"kikora's sub-processor {sp.id} has no location"
    print("kikora:", len(kikora.purposes), "purposes;", [sp.id for sp in kikora.sub_processors],
          "deletes", kikora.terms.deletion_days_after_end, "days after the end")

    # Which services use Microsoft Azure, for what, and where?
    azure = get_sub_processors_by_id.sync("microsoft-azure", client=api)
    assert azure.services and azure.services_total >= len(azure.services)
    for use in azure.services:
        profile = get_services_by_id.sync(use.service.id, client=api)
        assert "microsoft-azure" in [sp.id for sp in profile.sub_processors], use.service.id
    print("microsoft-azure:", [(u.service.id, u.purpose) for u in azure.services])

    # Which services rely on a transfer mechanism that is no longer valid?
    invalid = every_service(api, flag=[Flag.INVALID_TRANSFER_MECHANISM])
    assert invalid, "the seeded catalogue has a service relying on Privacy Shield"
    for s in invalid:
        assert Flag.INVALID_TRANSFER_MECHANISM in s.flags, s.id
    print("invalid transfer mechanism:", [s.id for s in invalid])

    # Kikora or Sykkeldyktig: which asks for less?
    cmp = get_compare.sync(client=api, services="kikora,sykkeldyktig")
    assert isinstance(cmp, Comparison), cmp
    assert [s.id for s in cmp.services] == ["kikora", "sykkeldyktig"]
    differing = [row.name for row in cmp.attributes if row.differs]
    for row in cmp.attributes:
        present = [cell is not None for cell in row.cells]
        assert row.differs == (len(set(present)) > 1), row.name
    print("attributes that differ:", differing)

    # Across everything the municipality uses: countries, and the weakest terms.
    wanted = ["kikora", "glupus", "sykkeldyktig", "learning-id", "alle-teller"]
    report = post_reports_portfolio.sync(client=api, body=PortfolioRequest(services=wanted))
    assert isinstance(report, PortfolioReport), report
    assert sorted(report.services + report.unknown) == sorted(wanted)
    assert report.countries
    print("portfolio countries:", [c.code for c in report.countries])


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        server, base = start(binary, work)
        try:
            with Client(base_url=base, raise_on_unexpected_status=True) as api:
                answer(api)
        finally:
            server.terminate()
            server.wait()
    print("readme_questions: every answer checked")


main()
