"""The camera sources, one module per scheme, and their common base (`base.Camera`).

Open them with `hardware_shims.open_camera(uri)`; the registry imports a module only when its
scheme is opened.
"""
