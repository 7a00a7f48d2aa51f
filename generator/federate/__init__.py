"""A national view (SPEC §9): many programmes' published open data in one portal.

``federate`` (``build``) reads ``federation.yaml`` (``config``), harvests every
programme's ``records.json`` in parallel and incrementally (``harvest``, ``sources``,
``contract``, ``cache``), turns each into rows of the national tables (``model``,
``tables``, ``divisions``), and builds the national portal: figures (``stats``,
``charts``), near-duplicate lists (``similarity``), pages (``views``, ``pages``,
``site``, ``index``, ``feed``) and the merged open data (``outputs``). ``advice`` serves
``jiebang similar``. Only published open data is read, as any third party could.
"""
