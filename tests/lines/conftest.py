"""Run `async def` tests of the line drivers on a fresh event loop each.

No pytest-asyncio in the dev extra: this hook is all the GSM tests need. Every
async test gets a 60 s ceiling so a hang fails the test instead of the run.
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
