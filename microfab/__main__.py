from microfab.cli import main

raise SystemExit(main())
