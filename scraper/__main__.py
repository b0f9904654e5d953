from scraper.cli import main

if __name__ == "__main__":  # extraction workers import the main module again (multiprocessing forkserver)
    main()
