/* Never ends: only --timeout stops it. */
int main(void)
{
    for (volatile unsigned long n = 0;; n++) {
    }
}
