"""The box's configuration: schema (dataclasses), validation, migrations, atomic store.

Entry points: `firmware.config.store.ConfigStore` (the one owner of config.json),
`firmware.config.validate.check_config` (dict -> Config or ConfigError),
`firmware.config.schema` (what a Config holds), `firmware.config.cli` (the
`switchboard config ...` commands and the box's control-socket handlers).
See docs/config.md for the file format.
"""
