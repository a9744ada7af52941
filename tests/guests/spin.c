/* Never ends: only kiln run's --timeout stops it. */
int main(void)
{
    volatile unsigned long turns = 0;
    for (;;)
        turns++;
}
