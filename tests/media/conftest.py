"""Run the media tests' `async def` functions, each on a fresh event loop.

No pytest-asyncio in the dev extra. Every async test gets a 60 s ceiling so a
hang fails the test instead of the run. A test that leaves a media engine
running would make every later start fail (one Endpoint per process), so the
`engines` fixture stops whatever a test started, even when it fails.
"""

import asyncio
import inspect

import pytest

ASYNC_TEST_LIMIT = 60.0


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {name: pyfuncitem.funcargs[name] for name in names}
    asyncio.run(asyncio.wait_for(pyfuncitem.obj(**kwargs), ASYNC_TEST_LIMIT))
    return True
