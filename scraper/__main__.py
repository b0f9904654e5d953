from scraper.cli import main

if __name__ == "__main__":  # a module run with -m is imported again by spawned processes: never run the CLI twice
    main()
