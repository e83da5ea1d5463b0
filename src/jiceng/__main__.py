from jiceng.cli import main

if __name__ == "__main__":  # not again in the processes a command starts (spawn)
    main()
