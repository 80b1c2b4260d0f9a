from lamina.demo import main

main()
